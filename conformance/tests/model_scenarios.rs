//! The scenario suite run against the reference model: the oracle must pass every story the
//! backends pass, or one of the two readings of SPEC is wrong.

podstate_conformance::scenario_tests!(podstate_conformance::model::ModelFactory);
