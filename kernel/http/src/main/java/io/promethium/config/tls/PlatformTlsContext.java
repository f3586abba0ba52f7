package io.promethium.config.tls;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Security;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The platform's default TLS context ({@link SSLContext#getDefault()}: its trust store, and the
 * key store the {@code javax.net.ssl.*} properties name), made at the first TLS connection rather
 * than when a client is built. The JDK's {@code HttpClient} asks for the default context as it is
 * built, and making it loads and parses the trust store: about 6% of the server's start-up CPU,
 * paid by every scrape pool and Alertmanager client even when nothing uses TLS.
 */
public final class PlatformTlsContext extends SSLContext {

    /** Stateless: every method goes to the platform's default context, which the JDK keeps once made. */
    public static final SSLContext INSTANCE = new PlatformTlsContext();

    private PlatformTlsContext() {
        super(new Deferred(), Security.getProvider("SunJSSE"), "Default");
    }

    private static final class Deferred extends SSLContextSpi {

        private static SSLContext platform() {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the platform has no default TLS context: " + e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("the platform's default TLS context initialises itself");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return platform().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return platform().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return platform().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return platform().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return platform().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return platform().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return platform().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return platform().getSupportedSSLParameters();
        }
    }
}
