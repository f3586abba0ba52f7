/**
 * The HTTP route whiteboard: how a bundle serves its own endpoints on the server's port. A
 * bundle registers an {@link io.promethium.api.web.HttpRoutes} service; the web bundle mounts it
 * under its {@link io.promethium.api.web.HttpRoutes#pathPrefix() path prefix} while the service
 * is registered, behind the same TLS, authentication, gzip and request metrics as the built-in
 * API. The web bundle therefore never names a feature such as the push endpoint or the
 * Alertmanager API.
 */
@Export
@Version("1.2.0")
package io.promethium.api.web;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
