//! redb backend for podstate. Empty for now: a later issue fills it.
