package io.promethium.launcher;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Routes java.util.logging to stderr in Prometheus's logfmt style, at the level of --log.level. */
final class LogSetup {

    /**
     * JUL holds loggers weakly: a level set on a logger nobody references is lost at the next
     * garbage collection, so the launcher keeps the loggers it configures.
     */
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private LogSetup() {
    }

    static void configure(String level, boolean json) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Level julLevel = switch (level) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(julLevel);
        handler.setFormatter(json ? new JsonFormatter() : new LogfmtFormatter());
        root.addHandler(handler);
        root.setLevel(julLevel);
        // Third-party chatter stays quiet unless debugging: Jetty's start banner, and Jersey's
        // warnings about optional providers (JAXB, activation) this server does not use.
        if (julLevel != Level.FINE) {
            quiet("org.eclipse.jetty", Level.WARNING);
            quiet("org.glassfish", Level.SEVERE);
            // Lucene warns at every start that it does not know the running JDK's Vector API.
            quiet("org.apache.lucene.internal.vectorization", Level.SEVERE);
        }
    }

    /**
     * The JAX-RS whiteboard (Eclipse osgitech rest) warns for each Jersey bundle it stops tracking
     * ("Removed Jersey bundle: ..."), which in a stop is every one of them: expected there, not a
     * fault, so from the stop on its loggers pass errors only (everything still at --log.level=debug).
     */
    static void quietWhileStopping() {
        if (Logger.getLogger("").getLevel() != Level.FINE) {
            for (String name : List.of("jersey", "Jakartars", "runtime.check")) {
                quiet(name, Level.SEVERE);
            }
        }
    }

    private static synchronized void quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        CONFIGURED.add(logger);
    }

    private static String levelName(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (level.intValue() >= Level.INFO.intValue()) {
            return "INFO";
        }
        return "DEBUG";
    }

    private static String source(LogRecord record) {
        String name = record.getLoggerName() == null ? "" : record.getLoggerName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static final class LogfmtFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder sb = new StringBuilder();
            sb.append("time=").append(Instant.ofEpochMilli(record.getMillis())).append(" level=").append(levelName(record.getLevel()))
                    .append(" source=").append(source(record)).append(" msg=\"")
                    .append(formatMessage(record).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            if (record.getThrown() != null) {
                sb.append(" err=\"").append(String.valueOf(record.getThrown()).replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            sb.append('\n');
            if (record.getThrown() != null && record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                sb.append(trace);
            }
            return sb.toString();
        }
    }

    private static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            return "{\"time\":\"" + Instant.ofEpochMilli(record.getMillis()) + "\",\"level\":\"" + levelName(record.getLevel())
                    + "\",\"source\":\"" + source(record) + "\",\"msg\":\"" + escape(formatMessage(record)) + "\""
                    + (record.getThrown() == null ? "" : ",\"err\":\"" + escape(String.valueOf(record.getThrown())) + "\"") + "}\n";
        }

        private static String escape(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.toString();
        }
    }
}
