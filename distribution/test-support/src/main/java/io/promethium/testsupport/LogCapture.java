package io.promethium.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines one logger writes at a level or above while it is open (for tests of what is logged):
 * open it before the code under test runs, close it after.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public LogCapture(String loggerName, Level level) {
        this.logger = Logger.getLogger(loggerName);
        this.level = level;
        this.previous = logger.getLevel();
        if (!logger.isLoggable(level)) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    /** The messages logged so far, in order. */
    public List<String> lines() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The messages logged so far at exactly {@code at}, in order. */
    public List<String> lines(Level at) {
        return records.stream().filter(r -> r.getLevel().equals(at)).map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= level.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
