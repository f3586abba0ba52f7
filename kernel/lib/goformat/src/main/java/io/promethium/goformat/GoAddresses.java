package io.promethium.goformat;

import java.net.InetAddress;

/**
 * IP addresses as Go's {@code net.IP.String()} prints them, which discovery puts into
 * {@code __address__} and meta labels. The JDK's {@code Inet6Address.getHostAddress()} prints every
 * group ({@code 2001:db8:0:0:0:0:0:1}); Go follows RFC 5952 ({@code 2001:db8::1}).
 */
public final class GoAddresses {

    private GoAddresses() {
    }

    /** An address as Go prints it: dotted IPv4, or RFC 5952 IPv6. */
    public static String format(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? address.getHostAddress() : ipv6(bytes);
    }

    /**
     * The 16 bytes of an IPv6 address as Go prints them: lower case hex groups without leading
     * zeros, the first longest run of two or more zero groups as {@code ::}.
     */
    public static String ipv6(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength && i - start >= 2) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
