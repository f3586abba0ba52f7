/** file_sd_configs: targets from JSON and YAML files, watched for changes. */
package io.promethium.discovery.file;
