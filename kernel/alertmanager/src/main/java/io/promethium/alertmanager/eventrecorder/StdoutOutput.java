package io.promethium.alertmanager.eventrecorder;

import java.io.PrintStream;

/** Writes each event as a JSON line to the server's standard output, as 0.34's {@code stdout_outputs}. */
final class StdoutOutput implements Destination {

    private final PrintStream out;

    StdoutOutput(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public int send(byte[] json) {
        synchronized (out) {
            out.write(json, 0, json.length);
            out.write('\n');
            out.flush();
        }
        return json.length + 1;
    }

    @Override
    public void close() {
        // The server's stdout stays open.
    }
}
