package io.promethium.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Go SDK v2's order: config, environment, shared files with their profile; region and FIPS
 * from the environment, else the shared config file. The files are temporary ones, found through
 * the home folder and the environment given to the chain.
 */
class CredentialsChainTest {

    @TempDir
    Path home;

    /** A chain with the environment given; off EC2 (the instance metadata service is not asked, see TemporaryCredentialsTest). */
    private CredentialsChain chain(String key, String secret, String profile, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("AWS_EC2_METADATA_DISABLED", "true");
        return new CredentialsChain(key, secret, profile, all::get, home);
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

    private Path configFile(String text) throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        return Files.writeString(home.resolve(".aws/config"), text);
    }

    @Test
    void aProfileGivenInTheConfigWinsOverTheEnvironmentAndAwsProfileDoesNot() throws IOException {
        credentialsFile();
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "ENV", "AWS_SECRET_ACCESS_KEY", "e", "AWS_PROFILE", "ops");
        assertThat(chain(null, null, "ops", env).resolve().accessKeyId()).isEqualTo("OPSKEY");
        assertThat(chain(null, null, null, env).resolve().accessKeyId()).isEqualTo("ENV");
        assertThat(chain(null, null, null, Map.of("AWS_ACCESS_KEY", "OLD", "AWS_SECRET_KEY", "o")).resolve().accessKeyId()).isEqualTo("OLD");
        assertThat(chain(null, null, null, Map.of("AWS_DEFAULT_PROFILE", "ops")).resolve().accessKeyId()).isEqualTo("OPSKEY");
    }

    @Test
    void theConfigFileHoldsProfilesWithItsPrefixAndTheCredentialsFileOverridesItsKeys() throws IOException {
        configFile("""
                [default]
                region = us-west-2
                [profile ops]
                region = eu-central-1
                aws_access_key_id = CONFIGKEY
                aws_secret_access_key = configsecret
                s3 =
                  region = not-a-profile-key
                use_fips_endpoint = TRUE
                [lonely]
                region = ignored-without-the-profile-prefix
                [profile half]
                aws_access_key_id = HALFKEY
                aws_secret_access_key = halfsecret
                """);
        assertThat(chain(null, null, "ops", Map.of()).resolve()).isEqualTo(new AwsCredentials("CONFIGKEY", "configsecret", null));
        assertThat(chain(null, null, "ops", Map.of()).region()).isEqualTo("eu-central-1");
        assertThat(chain(null, null, "ops", Map.of()).useFipsEndpoint()).isTrue();
        assertThat(chain(null, null, null, Map.of()).region()).isEqualTo("us-west-2");
        assertThat(chain(null, null, null, Map.of()).useFipsEndpoint()).isFalse();
        assertThatThrownBy(() -> chain(null, null, "lonely", Map.of()).region()).hasMessageContaining("failed to get shared config profile, lonely");
        credentialsFile();
        Files.writeString(home.resolve(".aws/credentials"), "[half]\naws_access_key_id=ONLYID\n[profile ops]\naws_access_key_id=X\n"
                + "aws_secret_access_key=x\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(chain(null, null, "ops", Map.of()).resolve()).as("the credentials file's pair overrides the config file's")
                .isEqualTo(new AwsCredentials("OPSKEY", "opssecret", "opstoken"));
        assertThat(chain(null, null, "half", Map.of()).resolve().accessKeyId()).as("a key without its secret is not merged").isEqualTo("HALFKEY");
    }

    @Test
    void regionAndFipsComeFromTheEnvironmentBeforeTheFilesFoundThroughTheEnvironment() throws IOException {
        Path config = Files.writeString(home.resolve("my-config"), "[profile p]\nregion = ap-south-1\nuse_fips_endpoint = true\n");
        Map<String, String> files = Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_PROFILE", "p");
        assertThat(chain(null, null, null, files).region()).isEqualTo("ap-south-1");
        assertThat(chain(null, null, null, files).useFipsEndpoint()).isTrue();
        Map<String, String> env = new java.util.HashMap<>(files);
        env.put("AWS_REGION", "eu-west-3");
        env.put("AWS_USE_FIPS_ENDPOINT", "False");
        assertThat(chain(null, null, null, env).region()).isEqualTo("eu-west-3");
        assertThat(chain(null, null, null, env).useFipsEndpoint()).isFalse();
        env.put("AWS_USE_FIPS_ENDPOINT", "yes");
        assertThatThrownBy(() -> chain(null, null, null, env).useFipsEndpoint())
                .hasMessage("invalid value for environment variable, AWS_USE_FIPS_ENDPOINT=yes, need true, false");
        assertThat(chain(null, null, null, Map.of()).region()).as("no files, no environment").isNull();
    }

    @Test
    void aProfileNamedByAwsProfileThatNoFileHasIsAnError() throws IOException {
        credentialsFile();
        assertThatThrownBy(() -> chain(null, null, null, Map.of("AWS_PROFILE", "gone")).resolve())
                .hasMessageContaining("failed to get shared config profile, gone");
        assertThat(chain(null, null, null, Map.of("AWS_DEFAULT_PROFILE", "gone")).region()).as("AWS_DEFAULT_PROFILE is not checked").isNull();
    }
}
