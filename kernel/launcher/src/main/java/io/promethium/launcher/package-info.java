/** Starts Felix, installs bundles, watches plugins/, handles signals and the command line. */
package io.promethium.launcher;
