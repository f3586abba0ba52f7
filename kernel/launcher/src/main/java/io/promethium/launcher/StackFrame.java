package io.promethium.launcher;

/**
 * A stack frame as the leak watch needs it: the class it names and whether that class is the
 * JDK's (in a named module: the platform's code is, the bundles' is not). A hidden class (a
 * lambda's proxy, {@code Host$$Lambda/0x...}) is named but cannot be looked up by its name.
 *
 * @param className the frame's declaring class, binary name
 * @param jdk whether the class is in a named module
 */
record StackFrame(String className, boolean jdk) {

    static StackFrame of(StackTraceElement element) {
        return new StackFrame(element.getClassName(), element.getModuleName() != null);
    }

    /**
     * A frame as {@link StackTraceElement#toString()} writes it, the form of a thread dump:
     * {@code [loader/][module[@version]]/class.method(source)}, where a class of an unnamed module
     * has no module part ({@code loader//class...} when its loader has a name, the bare class
     * when not, or when the loader is one of the JDK's own).
     */
    static StackFrame parse(String text) {
        int paren = text.indexOf('(');
        String head = paren < 0 ? text : text.substring(0, paren);
        int dot = head.lastIndexOf('.');
        String qualified = dot < 0 ? head : head.substring(0, dot);
        // A hidden class's name ends in /0x<hex>: that slash is part of the class name.
        int hidden = qualified.lastIndexOf("/0x");
        int slash = hidden > 0 && isHex(qualified, hidden + 3) ? qualified.lastIndexOf('/', hidden - 1) : qualified.lastIndexOf('/');
        if (slash < 0) {
            return new StackFrame(qualified, false);
        }
        String prefix = qualified.substring(0, slash);
        int loaderEnd = prefix.indexOf('/');
        String module = loaderEnd < 0 ? prefix : prefix.substring(loaderEnd + 1);
        return new StackFrame(qualified.substring(slash + 1), !module.isEmpty());
    }

    /** Whether the class can be asked for by name (a hidden class cannot). */
    boolean named() {
        return className.indexOf('/') < 0;
    }

    private static boolean isHex(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
