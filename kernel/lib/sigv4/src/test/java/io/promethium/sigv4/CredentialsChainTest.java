package io.promethium.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDKs' order: config, environment, shared credentials file with its profile. */
class CredentialsChainTest {

    @TempDir
    Path home;

    private CredentialsChain chain(String key, String secret, String profile, Map<String, String> env) {
        return new CredentialsChain(key, secret, profile, env::get, home);
    }

    private void credentialsFile() throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), """
                # a comment
                [default]
                aws_access_key_id = DEFAULTKEY
                aws_secret_access_key = defaultsecret

                [ops]
                aws_access_key_id=OPSKEY
                aws_secret_access_key=opssecret
                aws_session_token=opstoken
                """);
    }

    @Test
    void configKeysComeFirst() throws IOException {
        credentialsFile();
        AwsCredentials c = chain("CFG", "cfgsecret", null, Map.of("AWS_ACCESS_KEY_ID", "ENV", "AWS_SECRET_ACCESS_KEY", "e")).resolve();
        assertThat(c).isEqualTo(new AwsCredentials("CFG", "cfgsecret", null));
        assertThat(c.toString()).doesNotContain("cfgsecret");
    }

    @Test
    void theEnvironmentComesBeforeTheFileWithItsSessionToken() throws IOException {
        credentialsFile();
        assertThat(chain(null, null, null, Map.of("AWS_ACCESS_KEY_ID", "ENV", "AWS_SECRET_ACCESS_KEY", "e", "AWS_SESSION_TOKEN", "t"))
                .resolve()).isEqualTo(new AwsCredentials("ENV", "e", "t"));
    }

    @Test
    void theFileIsReadForTheConfigProfileElseAwsProfileElseDefault() throws IOException {
        credentialsFile();
        assertThat(chain(null, null, null, Map.of()).resolve().accessKeyId()).isEqualTo("DEFAULTKEY");
        assertThat(chain(null, null, null, Map.of("AWS_PROFILE", "ops")).resolve()).isEqualTo(new AwsCredentials("OPSKEY", "opssecret", "opstoken"));
        assertThat(chain(null, null, "ops", Map.of()).resolve().accessKeyId()).isEqualTo("OPSKEY");
        Path other = home.resolve("elsewhere");
        Files.writeString(other, "[default]\naws_access_key_id=F\naws_secret_access_key=s\n");
        assertThat(chain(null, null, null, Map.of("AWS_SHARED_CREDENTIALS_FILE", other.toString())).resolve().accessKeyId()).isEqualTo("F");
    }

    @Test
    void aMissingProfileOrNoCredentialsAtAllIsAnErrorSayingWhere() throws IOException {
        assertThatThrownBy(() -> chain(null, null, null, Map.of()).resolve()).hasMessageContaining("no AWS credentials")
                .hasMessageContaining("AWS_ACCESS_KEY_ID").hasMessageContaining(".aws");
        credentialsFile();
        assertThatThrownBy(() -> chain(null, null, "nope", Map.of()).resolve()).hasMessageContaining("profile \"nope\"");
    }

    @Test
    void regionComesFromAwsRegionElseAwsDefaultRegion() {
        assertThat(chain(null, null, null, Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "x")).environmentRegion()).isEqualTo("eu-west-1");
        assertThat(chain(null, null, null, Map.of("AWS_DEFAULT_REGION", "x")).environmentRegion()).isEqualTo("x");
        assertThat(chain(null, null, null, Map.of()).environmentRegion()).isNull();
    }
}
