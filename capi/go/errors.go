package podstate

import "errors"

// The error kinds, one sentinel each, for errors.Is: every error a call returns is an *Error
// that wraps the sentinel of its kind. The first eighteen are the store's (the kinds of the
// contract, SPEC §4); the last five are the boundary's own.
var (
	ErrNoSuchCtr         = errors.New("no such container")
	ErrNoSuchPod         = errors.New("no such pod")
	ErrNoSuchVolume      = errors.New("no such volume")
	ErrNoSuchExecSession = errors.New("no such exec session")
	ErrNoSuchNetwork     = errors.New("container is not connected to the network")
	ErrCtrExists         = errors.New("the ID or name is held by a container")
	ErrPodExists         = errors.New("the ID or name is held by a pod")
	ErrVolumeExists      = errors.New("volume already exists")
	ErrExecSessionExists = errors.New("exec session already exists")
	ErrNetworkExists     = errors.New("container is already connected to the network")
	ErrAmbiguous         = errors.New("more than one result for the ID or name")
	ErrInUse             = errors.New("in use")
	ErrNsMismatch        = errors.New("namespace mismatch")
	ErrInvalidArg        = errors.New("invalid argument")
	ErrDBClosed          = errors.New("the state was closed")
	ErrDBBadConfig       = errors.New("the database was created with other settings")
	ErrCorrupt           = errors.New("stored data is corrupt")
	ErrIO                = errors.New("storage failed")

	ErrBadPointer  = errors.New("bad pointer")
	ErrBadRequest  = errors.New("the request cannot be read")
	ErrUnknownCall = errors.New("unknown call")
	ErrBadURL      = errors.New("the store URL cannot be opened")
	ErrPanic       = errors.New("podstate panicked")
)

// kinds maps each kind's name, as the library spells it, to its sentinel.
var kinds = map[string]error{
	"NoSuchCtr":         ErrNoSuchCtr,
	"NoSuchPod":         ErrNoSuchPod,
	"NoSuchVolume":      ErrNoSuchVolume,
	"NoSuchExecSession": ErrNoSuchExecSession,
	"NoSuchNetwork":     ErrNoSuchNetwork,
	"CtrExists":         ErrCtrExists,
	"PodExists":         ErrPodExists,
	"VolumeExists":      ErrVolumeExists,
	"ExecSessionExists": ErrExecSessionExists,
	"NetworkExists":     ErrNetworkExists,
	"Ambiguous":         ErrAmbiguous,
	"InUse":             ErrInUse,
	"NsMismatch":        ErrNsMismatch,
	"InvalidArg":        ErrInvalidArg,
	"DbClosed":          ErrDBClosed,
	"DbBadConfig":       ErrDBBadConfig,
	"Corrupt":           ErrCorrupt,
	"Io":                ErrIO,
	"BadPointer":        ErrBadPointer,
	"BadRequest":        ErrBadRequest,
	"UnknownCall":       ErrUnknownCall,
	"BadUrl":            ErrBadURL,
	"Panic":             ErrPanic,
}

// Error is every error of the package: the kind's name, as the library spells it
// ("NoSuchCtr"), and the message naming the objects involved. errors.Is matches it against
// the sentinel of its kind.
type Error struct {
	Kind    string
	Message string
}

// Error is "Kind: message".
func (e *Error) Error() string {
	return e.Kind + ": " + e.Message
}

// Unwrap is the sentinel of the error's kind (nil for a kind this package does not know).
func (e *Error) Unwrap() error {
	return kinds[e.Kind]
}

func newError(kind, message string) error {
	return &Error{Kind: kind, Message: message}
}
