package io.promethium.discovery.dns.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Prometheus's {@code lookupWithSearchPath}: each candidate name of the search path in turn,
 * each asked of the servers in order ({@code attempts} times each) until one gives a usable
 * answer. A name that does not exist anywhere (NXDOMAIN from every candidate) has no records;
 * any other failure is an error, so the caller keeps what it had.
 */
final class DnsLookup {

    private final ResolvConf conf;
    private final DnsClient client;

    DnsLookup(ResolvConf conf) {
        this.conf = Objects.requireNonNull(conf, "conf is null");
        this.client = new DnsClient(conf.timeout());
    }

    /** The answer records of {@code name}; empty when it does not exist. */
    List<Record> lookup(String name, int type) throws IOException {
        boolean allValid = true;
        List<String> errors = new ArrayList<>();
        for (String candidate : conf.candidates(name)) {
            try {
                Message answer = fromAnyServer(candidate, type);
                if (answer.getRcode() == Rcode.NOERROR) {
                    return answer.getSection(Section.ANSWER);
                }
            } catch (IOException e) {
                allValid = false;
                errors.add(e.getMessage());
            }
        }
        if (allValid) {
            return List.of();
        }
        throw new IOException("could not resolve \"" + name + "\": all servers responded with errors to at least one search domain: "
                + String.join("; ", errors));
    }

    private Message fromAnyServer(String name, int type) throws IOException {
        List<String> errors = new ArrayList<>();
        for (InetSocketAddress server : conf.servers()) {
            for (int attempt = 0; attempt < conf.attempts(); attempt++) {
                try {
                    Message answer = client.ask(server, name, type);
                    int rcode = answer.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                        return answer;
                    }
                    errors.add(DnsClient.address(server) + " answered " + Rcode.string(rcode));
                    break;
                } catch (IOException e) {
                    errors.add(e.getMessage());
                }
            }
        }
        throw new IOException("could not resolve " + name + ": no servers returned a viable answer (" + String.join("; ", errors) + ")");
    }
}
