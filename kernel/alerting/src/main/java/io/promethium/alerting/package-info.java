/** Sends alerts to Alertmanagers (API v2): discovery, relabeling, queue, resend. */
package io.promethium.alerting;
