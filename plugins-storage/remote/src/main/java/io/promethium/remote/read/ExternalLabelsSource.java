package io.promethium.remote.read;

import io.promethium.api.model.Labels;

/**
 * The config's {@code global.external_labels} as of its last load, which a config section is
 * handed ({@code SectionContext}): the remote read endpoint adds them to the series it answers.
 * A service of this bundle only.
 */
public interface ExternalLabelsSource {

    Labels externalLabels();
}
