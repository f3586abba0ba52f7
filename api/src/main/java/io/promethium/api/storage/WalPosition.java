package io.promethium.api.storage;

/**
 * A place in a storage's write-ahead log: a segment number and a byte offset inside it, always at
 * a record boundary. Positions order by segment, then offset; a follower persists the position it
 * has sent up to and resumes there.
 */
public record WalPosition(int segment, long offset) implements Comparable<WalPosition> {

    /** Before every record. */
    public static final WalPosition START = new WalPosition(0, 0);

    public WalPosition {
        if (segment < 0 || offset < 0) {
            throw new IllegalArgumentException("negative WAL position " + segment + ":" + offset);
        }
    }

    @Override
    public int compareTo(WalPosition other) {
        int c = Integer.compare(segment, other.segment);
        return c != 0 ? c : Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return segment + ":" + offset;
    }
}
