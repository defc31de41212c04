"""Tests of the demo generator, summary, seeds and `goals demo`."""
