/** Recording and alerting rules: rule files, evaluation, alert state, templates. */
package io.promethium.rules;
