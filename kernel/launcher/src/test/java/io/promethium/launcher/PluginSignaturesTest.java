package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.launcher.spi.PluginFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSignaturesTest {

    @TempDir
    static Path keys;
    @TempDir
    Path dir;

    private static TestSigning trusted;
    private static TestSigning stranger;
    private static PluginSignatures enforced;

    @BeforeAll
    static void makeKeys() throws Exception {
        trusted = TestSigning.withCa(keys.resolve("ca"), "Test Plugins");
        stranger = TestSigning.selfSigned(keys.resolve("stranger"), "Stranger");
        enforced = PluginSignatures.fromFlag(trusted.caPem.toString());
    }

    private Path jar(String name) throws Exception {
        Path jar = dir.resolve(name);
        TestSigning.bundle(jar, "test." + name.replace(".jar", ""), "1.0.0", List.of(), "a/one.txt=one", "META-INF/extra.txt=extra");
        return jar;
    }

    @Test
    void aJarSignedByAKeyTheCaCertifiedIsTrustedAndNamesItsSigner() throws Exception {
        Path jar = jar("good.jar");
        trusted.sign(jar);
        PluginSignatures.Verdict verdict = enforced.check(jar);
        assertThat(verdict.refused()).as(verdict.problem()).isFalse();
        assertThat(verdict.signature()).isEqualTo(PluginFile.TRUSTED);
        assertThat(verdict.signer()).isEqualTo("CN=Test Plugins Signer");
    }

    @Test
    void anUnsignedJarIsRefusedOnlyWhenATrustStoreIsSet() throws Exception {
        Path jar = jar("unsigned.jar");
        PluginSignatures.Verdict verdict = enforced.check(jar);
        assertThat(verdict.refused()).isTrue();
        assertThat(verdict.signature()).isEqualTo(PluginFile.UNSIGNED);
        assertThat(verdict.problem()).contains("not signed").contains("--plugins.trust-store");
        assertThat(PluginSignatures.none().check(jar)).isEqualTo(new PluginSignatures.Verdict(PluginFile.UNSIGNED, "", "", false));
    }

    @Test
    void aJarWithAnEntryChangedAfterSigningIsRefused() throws Exception {
        Path jar = jar("tampered.jar");
        trusted.sign(jar);
        TestSigning.rewrite(jar, "a/one.txt", "evil");
        PluginSignatures.Verdict verdict = enforced.check(jar);
        assertThat(verdict.refused()).isTrue();
        assertThat(verdict.signature()).isEqualTo(PluginFile.INVALID);
        assertThat(verdict.problem()).contains("does not match").contains("a/one.txt");
    }

    @Test
    void aJarWithAnEntryAddedAfterSigningIsRefusedAsPartiallySigned() throws Exception {
        Path jar = jar("partial.jar");
        trusted.sign(jar);
        TestSigning.rewrite(jar, "a/added.class", "unsigned code");
        PluginSignatures.Verdict verdict = enforced.check(jar);
        assertThat(verdict.refused()).isTrue();
        assertThat(verdict.problem()).contains("partially signed").contains("a/added.class");
        assertThat(verdict.signer()).isEqualTo("CN=Test Plugins Signer");
    }

    @Test
    void aJarSignedByAKeyNoTrustedCertificateVouchesForIsRefusedButDescribedWithoutATrustStore() throws Exception {
        Path jar = jar("stranger.jar");
        stranger.sign(jar);
        PluginSignatures.Verdict verdict = enforced.check(jar);
        assertThat(verdict.refused()).isTrue();
        assertThat(verdict.problem()).contains("signed by CN=Stranger").contains("vouches for");
        PluginSignatures.Verdict unchecked = PluginSignatures.none().check(jar);
        assertThat(unchecked.refused()).isFalse();
        assertThat(unchecked.signature()).isEqualTo(PluginFile.SIGNED);
        assertThat(unchecked.signer()).isEqualTo("CN=Stranger");
    }

    @Test
    void theTrustStoreMayBeAKeyStoreAndAnUnreadableOneIsAnErrorNamingTheFlag() throws Exception {
        Path jar = jar("store.jar");
        trusted.sign(jar);
        Path store = dir.resolve("trust.p12");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(trusted.caPem)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "changeit".toCharArray());
        }
        assertThat(PluginSignatures.fromFlag(store.toString()).check(jar).signature()).isEqualTo(PluginFile.TRUSTED);

        Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> PluginSignatures.fromFlag(dir.resolve("garbage.pem").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--plugins.trust-store=");
        assertThatThrownBy(() -> PluginSignatures.fromFlag(dir.resolve("missing.pem").toString()))
                .hasMessageContaining("--plugins.trust-store=").hasMessageContaining("missing.pem");
    }
}
