/** An example plugin: one Collector exposing promethium_example_hello 1. */
package io.promethium.example.hello;
