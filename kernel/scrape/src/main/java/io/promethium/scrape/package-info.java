/** The scrape manager: target loops, relabeling, staleness. */
package io.promethium.scrape;
