package io.promethium.exporter.node.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One collector's output for one scrape, held until the collector finishes: a collector that
 * fails half way then contributes nothing (as its {@code node_scrape_collector_success 0}
 * says), and samples are replayed grouped by family even when the collector wrote them
 * interleaved (per device, per chip). Arrays are reused from scrape to scrape. Not thread-safe.
 */
final class FamilyBuffer implements MetricWriter {

    private final Map<String, Integer> familyIndex = new HashMap<>();
    private String[] familyNames = new String[16];
    private MetricType[] familyTypes = new MetricType[16];
    private String[] familyHelps = new String[16];
    private int families;
    private int current = -1;

    private int[] sampleFamily = new int[64];
    private String[] sampleNames = new String[64];
    private Labels[] sampleLabels = new Labels[64];
    private double[] sampleValues = new double[64];
    private int samples;
    private int[] order = new int[64];
    private int[] counts = new int[16];

    void clear() {
        familyIndex.clear();
        Arrays.fill(familyNames, 0, families, null);
        Arrays.fill(familyHelps, 0, families, null);
        Arrays.fill(sampleNames, 0, samples, null);
        Arrays.fill(sampleLabels, 0, samples, null);
        families = 0;
        samples = 0;
        current = -1;
    }

    /** Starts (or returns to) a family; repeated calls with the same name add to one family. */
    @Override
    public void family(String name, MetricType type, String help, String unit) {
        Integer index = familyIndex.get(name);
        if (index != null) {
            current = index;
            return;
        }
        if (families == familyNames.length) {
            int n = families * 2;
            familyNames = Arrays.copyOf(familyNames, n);
            familyTypes = Arrays.copyOf(familyTypes, n);
            familyHelps = Arrays.copyOf(familyHelps, n);
            counts = Arrays.copyOf(counts, n);
        }
        familyNames[families] = name;
        familyTypes[families] = type;
        familyHelps[families] = help;
        familyIndex.put(name, families);
        current = families++;
    }

    void family(String name, MetricType type, String help) {
        family(name, type, help, "");
    }

    @Override
    public void sample(String name, Labels labels, double value) {
        if (current < 0) {
            throw new IllegalStateException("sample " + name + " before any family");
        }
        if (samples == sampleNames.length) {
            int n = samples * 2;
            sampleFamily = Arrays.copyOf(sampleFamily, n);
            sampleNames = Arrays.copyOf(sampleNames, n);
            sampleLabels = Arrays.copyOf(sampleLabels, n);
            sampleValues = Arrays.copyOf(sampleValues, n);
            order = new int[n];
        }
        sampleFamily[samples] = current;
        sampleNames[samples] = name;
        sampleLabels[samples] = labels;
        sampleValues[samples] = value;
        samples++;
    }

    /** A whole one-sample family. */
    void single(String name, MetricType type, String help, Labels labels, double value) {
        family(name, type, help);
        sample(name, labels, value);
    }

    int familyCount() {
        return families;
    }

    /** Writes the held families in order of first appearance, each with all its samples. */
    void replay(MetricWriter out) {
        // Counting sort of the samples by family: O(samples + families), stable.
        if (counts.length < families + 1) {
            counts = new int[families + 1];
        }
        Arrays.fill(counts, 0, families + 1, 0);
        for (int i = 0; i < samples; i++) {
            counts[sampleFamily[i] + 1]++;
        }
        for (int f = 0; f < families; f++) {
            counts[f + 1] += counts[f];
        }
        for (int i = 0; i < samples; i++) {
            order[counts[sampleFamily[i]]++] = i;
        }
        int next = 0;
        for (int f = 0; f < families; f++) {
            if (next < samples && sampleFamily[order[next]] == f) {
                // Families without samples are left out, as client_golang leaves them out.
                out.family(familyNames[f], familyTypes[f], familyHelps[f], "");
            }
            while (next < samples && sampleFamily[order[next]] == f) {
                int i = order[next++];
                out.sample(sampleNames[i], sampleLabels[i], sampleValues[i]);
            }
        }
    }
}
