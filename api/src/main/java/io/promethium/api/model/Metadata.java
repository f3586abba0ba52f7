package io.promethium.api.model;

import java.util.Objects;

/**
 * The {@code # TYPE}, {@code # HELP} and {@code # UNIT} of a metric family, and (since model
 * 1.2.0) the family's name as its exposition declared it: an OpenMetrics counter {@code foo}
 * has series {@code foo_total}, a text-format one is usually declared {@code foo_total} itself;
 * a histogram {@code foo} has series {@code foo_bucket}, {@code foo_sum}, .... A storage that
 * keeps the metadata keeps the name with it, so the metadata APIs name the family right before
 * any target is scraped again. Empty when the source does not say (remote write 2.0, metadata
 * written before 1.2.0): readers then derive the family from the series name.
 */
public record Metadata(MetricType type, String help, String unit, String family) {
    public static final Metadata UNKNOWN = new Metadata(MetricType.UNKNOWN, "", "");

    public Metadata {
        Objects.requireNonNull(type, "type is null");
        help = help == null ? "" : help;
        unit = unit == null ? "" : unit;
        family = family == null ? "" : family;
    }

    /** Metadata without a family name (see the class comment). */
    public Metadata(MetricType type, String help, String unit) {
        this(type, help, unit, "");
    }

    // equals and hashCode written out, with the record's meaning: the generated ones run through
    // method handles, slow until the JIT has compiled them, and a WAL replay interns one metadata
    // per series (512k at a 512k-series restart) on one thread from the process's start.
    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata m && type == m.type && help.equals(m.help) && unit.equals(m.unit) && family.equals(m.family);
    }

    @Override
    public int hashCode() {
        return ((type.hashCode() * 31 + help.hashCode()) * 31 + unit.hashCode()) * 31 + family.hashCode();
    }

    /** This metadata naming {@code family} (since model 1.2.0). */
    public Metadata withFamily(String family) {
        return Objects.equals(family, this.family) ? this : new Metadata(type, help, unit, family);
    }
}
