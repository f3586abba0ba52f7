#!/bin/bash
# Measures what an official cloud SDK would bring against the HTTP-API plugin, for AWS EC2:
# jars and their size, classes loaded and time to a first answer from a loopback stand-in.
# Needs Maven Central once (the SDK's jars) and the aws plugin built (mvn -pl plugins-discovery/aws package).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
. "$root/distribution/dev/env.sh"
java="$JAVA_HOME/bin/java"
out="$here/target"
mkdir -p "$out"
mvn -q -f "$here/sdk-pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/sdk-lib"
echo "AWS SDK v2 ec2: $(ls "$out/sdk-lib" | wc -l) jars, $(du -sk "$out/sdk-lib" | cut -f1) KB"
"$java" -cp "$out/sdk-lib/*" "$here/SdkMeasure.java"
mvn -o -q -f "$root/pom.xml" -pl plugins-discovery/aws dependency:build-classpath -Dmdep.outputFile="$out/plugin-cp.txt" -Dmdep.includeScope=test
plugin=$(ls "$root"/plugins-discovery/aws/target/promethium-discovery-aws-*-SNAPSHOT.jar)
echo "aws plugin: $(du -k "$plugin" | cut -f1) KB (plus the library tier's sigv4 and the platform's Jackson)"
"$java" -cp "$(cat "$out/plugin-cp.txt"):$plugin" "$here/PluginMeasure.java"
