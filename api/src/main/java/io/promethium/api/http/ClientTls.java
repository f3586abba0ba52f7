package io.promethium.api.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The client side of a {@code tls_config} for a connection that is not HTTP (SMTP, a raw
 * socket), from {@link HttpClientFactory#tls}: the context (trust, client certificate and the
 * check of the peer's name, all inside its trust manager) and the parameters every socket gets
 * (the name sent as SNI, the protocol versions from {@code min_version} to
 * {@code max_version}). Immutable; {@link #parameters()} returns a copy.
 *
 * @since 1.1
 */
public record ClientTls(SSLContext context, SSLParameters parameters) {

    public ClientTls {
        Objects.requireNonNull(context, "context is null");
        parameters = copy(Objects.requireNonNull(parameters, "parameters is null"));
    }

    @Override
    public SSLParameters parameters() {
        return copy(parameters);
    }

    /** The enabled protocol names, e.g. {@code [TLSv1.2, TLSv1.3]}. */
    public String[] protocols() {
        return parameters.getProtocols().clone();
    }

    /** A socket factory whose every socket, plain or layered over a connected one (STARTTLS), gets {@link #parameters()}. */
    public SSLSocketFactory socketFactory() {
        return new Configuring(context.getSocketFactory(), parameters);
    }

    private static SSLParameters copy(SSLParameters p) {
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        if (p.getServerNames() != null) {
            c.setServerNames(p.getServerNames());
        }
        c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        return c;
    }

    private static final class Configuring extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final SSLParameters parameters;

        Configuring(SSLSocketFactory delegate, SSLParameters parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        private Socket configure(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                SSLParameters p = ssl.getSSLParameters();
                if (parameters.getServerNames() != null) {
                    p.setServerNames(parameters.getServerNames());
                }
                if (parameters.getProtocols() != null) {
                    p.setProtocols(parameters.getProtocols());
                }
                ssl.setSSLParameters(p);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
