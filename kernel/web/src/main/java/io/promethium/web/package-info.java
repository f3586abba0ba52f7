/** The HTTP server: API, lifecycle endpoints, /metrics, plugin admin. */
package io.promethium.web;
