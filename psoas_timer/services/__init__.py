"""Qt services with no widgets: sound, voice, keep-awake, single instance, saving."""
