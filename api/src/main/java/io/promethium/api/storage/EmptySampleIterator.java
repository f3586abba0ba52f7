package io.promethium.api.storage;

/** The sentinel iterator over no samples. */
final class EmptySampleIterator implements SampleIterator {
    static final EmptySampleIterator INSTANCE = new EmptySampleIterator();

    private EmptySampleIterator() {
    }

    @Override
    public boolean next() {
        return false;
    }

    @Override
    public boolean seek(long t) {
        return false;
    }

    @Override
    public long timestamp() {
        throw new IllegalStateException("no sample");
    }

    @Override
    public double value() {
        throw new IllegalStateException("no sample");
    }

    /** {@link ValueType#NONE}, as for any iterator past its end (a merge's delegate when no source has a sample). */
    @Override
    public ValueType valueType() {
        return ValueType.NONE;
    }
}
