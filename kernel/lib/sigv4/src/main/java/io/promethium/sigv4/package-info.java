/**
 * AWS Signature Version 4, written against AWS's documented algorithm ("Create a signed AWS API
 * request") and checked with AWS's published signing test suite:
 * {@link io.promethium.sigv4.SigV4Signer} signs a request, {@link io.promethium.sigv4.AwsCredentials}
 * are the keys, {@link io.promethium.sigv4.CredentialsChain} finds them as the AWS SDKs do
 * (the config's keys, the environment, the shared credentials file with a profile),
 * {@link io.promethium.sigv4.StsAssumeRole} and {@link io.promethium.sigv4.RoleCredentials}
 * assume a {@code role_arn} through STS (1.1.0), at the FIPS endpoint when asked (1.2.0).
 * 1.3.0: {@link io.promethium.sigv4.SharedConfigFiles}, the shared config and credentials files
 * read as the Go SDK v2 reads a profile; {@code CredentialsChain} gives the region and FIPS
 * switch of the environment and those files, reads the config file's keys and lets a configured
 * profile win over the environment, as that SDK does.
 * 1.4.0: the rest of that SDK's chain: web identity, the container endpoint, the EC2 instance
 * metadata service, a profile's {@code role_arn} with {@code source_profile} or
 * {@code credential_source}, {@code credential_process}; {@link io.promethium.sigv4.CredentialSources}
 * reaches them and holds their temporary credentials; {@code CredentialsChain.resolve(region)}.
 *
 * <p>A library bundle of its own (it depends on the api only) because notifier and discovery
 * plugins (SNS, EC2, Lightsail) sign requests and a plugin may import only the api and library
 * bundles. Written here rather than taken from the AWS SDK: the SDK for Java would add tens of
 * megabytes of bundles for one HMAC chain.
 */
@Export
@Version("1.4.0")
package io.promethium.sigv4;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
