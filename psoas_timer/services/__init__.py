"""Qt services with no widgets: sound, voice, keep-awake, media controls, single instance,
saving."""
