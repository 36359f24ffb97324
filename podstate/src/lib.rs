//! The podstate facade. Empty for now: a later issue makes it pick a backend by cargo feature and
//! adds the `podstate` command.
