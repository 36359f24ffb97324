module podstate.invalid/podstate

go 1.19
