package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.config.internal.TargetAddresses;
import io.promethium.config.model.AlertmanagerConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.relabel.Relabeler;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The static targets of scrape jobs and Alertmanagers, relabelled as the scrape and the notifier
 * would (promtool's {@code checkTargetGroupsForScrapeConfig} and
 * {@code checkTargetGroupsForAlertmanager}): a target that is a URL passes when relabelling turns
 * its address into {@code host:port} or drops it, and fails otherwise with promtool's message.
 * (Without relabelling, loading the config already refused it.)
 */
final class StaticTargetCheck {

    private StaticTargetCheck() {
    }

    static void check(PrometheusConfig config) throws ConfigException {
        for (ScrapeConfig job : config.scrapeConfigs()) {
            Relabeler relabeler = new Relabeler(job.relabelConfigs());
            List<StaticConfig> groups = job.staticConfigs();
            for (int g = 0; g < groups.size(); g++) {
                List<String> targets = groups.get(g).targets();
                for (int i = 0; i < targets.size(); i++) {
                    Labels.Builder lb = groups.get(g).labels().toBuilder().set("__address__", targets.get(i));
                    setIfAbsent(lb, "job", job.jobName());
                    setIfAbsent(lb, "__scrape_interval__", format(job.scrapeInterval()));
                    setIfAbsent(lb, "__scrape_timeout__", format(job.scrapeTimeout()));
                    setIfAbsent(lb, "__metrics_path__", job.metricsPath());
                    setIfAbsent(lb, "__scheme__", job.scheme());
                    for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
                        if (!p.getValue().isEmpty()) {
                            setIfAbsent(lb, "__param_" + p.getKey(), p.getValue().get(0));
                        }
                    }
                    String problem = addressProblem(relabeler, lb);
                    if (problem != null) {
                        throw new ConfigException(config.file() + ": scrape job \"" + job.jobName() + "\": instance " + i + " in group " + g
                                + ": " + problem);
                    }
                }
            }
        }
        for (AlertmanagerConfig am : config.alerting().alertmanagers()) {
            Relabeler relabeler = new Relabeler(am.relabelConfigs());
            for (StaticConfig group : am.staticConfigs()) {
                for (String target : group.targets()) {
                    Labels.Builder lb = group.labels().toBuilder().set("__address__", target)
                            .set("__scheme__", am.scheme())
                            .set("__alerts_path__", joinPath(am.pathPrefix(), "/api/v2/alerts"));
                    String problem = addressProblem(relabeler, lb);
                    if (problem != null) {
                        throw new ConfigException(config.file() + ": alertmanager config: " + problem);
                    }
                }
            }
        }
    }

    /** Null when the target is dropped or its relabelled address is host:port. */
    private static String addressProblem(Relabeler relabeler, Labels.Builder lb) {
        if (!relabeler.process(lb)) {
            return null;
        }
        String address = lb.get("__address__");
        return address.isEmpty() ? "no address" : TargetAddresses.violation(address);
    }

    private static void setIfAbsent(Labels.Builder lb, String name, String value) {
        if (lb.get(name).isEmpty() && value != null) {
            lb.set(name, value);
        }
    }

    private static String format(Duration d) {
        return io.promethium.api.config.Durations.format(d);
    }

    private static String joinPath(String prefix, String path) {
        String p = prefix == null ? "" : prefix.replaceAll("/+$", "");
        return (p.startsWith("/") || p.isEmpty() ? p : "/" + p) + path;
    }
}
