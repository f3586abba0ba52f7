/** Loads, validates and reloads prometheus.yml; routes plugin-owned keys. */
package io.promethium.config;
