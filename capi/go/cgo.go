package podstate

// The link line: the static library of the crate podstate-capi, and what Rust's standard
// library needs from the system. The library is found in the workspace's default target
// directory (debug build); a CARGO_TARGET_DIR elsewhere, or a release build, is named with
// CGO_LDFLAGS="-L<dir>", which the linker searches first.

/*
#cgo CFLAGS: -I${SRCDIR}/..
#cgo LDFLAGS: -L${SRCDIR}/../../target/debug -l:libpodstate_capi.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include <stdlib.h>
#include "podstate.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"unsafe"
)

// callNames holds each call's name as a C string, made once (never freed: they live as long
// as the program).
var callNames = func() map[string]*C.char {
	names := make(map[string]*C.char, len(Calls))
	for _, name := range Calls {
		names[name] = C.CString(name)
	}
	return names
}()

// reply is a successful answer: its JSON and payloads are views into C memory, valid until the
// answer is freed (after the decoder ran).
type reply struct {
	json     []byte
	payloads [][]byte
}

// view is the Go slice over C bytes (no copy).
func view(b C.PodstateBytes) []byte {
	if b.len == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(b.ptr)), int(b.len))
}

// finish reads an answer, frees it, and runs decode on a success.
func finish(a *C.PodstateAnswer, decode func(r *reply) error) error {
	defer C.podstate_answer_free(a)
	if a.status != C.PODSTATE_OK {
		return errorOf(view(a.json))
	}
	if decode == nil {
		return nil
	}
	r := reply{json: view(a.json)}
	if a.payload_count > 0 {
		views := unsafe.Slice(a.payloads, int(a.payload_count))
		r.payloads = make([][]byte, len(views))
		for i, v := range views {
			r.payloads[i] = view(v)
		}
	}
	return decode(&r)
}

// errorOf reads an error answer's JSON.
func errorOf(text []byte) error {
	var e struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(text, &e); err != nil {
		return newError("BadRequest", "unreadable error answer: "+err.Error())
	}
	return newError(e.Kind, e.Message)
}

// rawCall runs one call on handle h: args is JSON, payloads the texts it refers to by index
// (copied into C memory for the call, as cgo forbids C memory that points into Go memory).
func rawCall(h *C.PodstateHandle, name string, args []byte, payloads []Payload, decode func(r *reply) error) error {
	cname, ok := callNames[name]
	if !ok {
		return newError("UnknownCall", "no call named "+name)
	}
	var argsPtr *C.uint8_t
	if len(args) > 0 {
		argsPtr = (*C.uint8_t)(unsafe.Pointer(&args[0]))
	}
	var table *C.PodstateBytes
	if len(payloads) > 0 {
		mem := payloadTable(payloads)
		defer C.free(mem)
		table = (*C.PodstateBytes)(mem)
	}
	a := C.podstate_call(h, cname, argsPtr, C.size_t(len(args)), table, C.size_t(len(payloads)), C.PODSTATE_PAYLOADS_BESIDE)
	runtime.KeepAlive(args)
	return finish(a, decode)
}

// payloadTable copies payloads into one C allocation: the PodstateBytes table, then the texts.
// A nil payload is sent as {} (the default payload of the Rust types).
func payloadTable(payloads []Payload) unsafe.Pointer {
	entry := int(unsafe.Sizeof(C.PodstateBytes{}))
	total := entry * len(payloads)
	for _, p := range payloads {
		total += len(p.text())
	}
	mem := C.malloc(C.size_t(total))
	table := unsafe.Slice((*C.PodstateBytes)(mem), len(payloads))
	data := unsafe.Slice((*byte)(mem), total)[entry*len(payloads):]
	at := 0
	for i, p := range payloads {
		text := p.text()
		table[i].ptr, table[i].len = nil, 0
		if len(text) > 0 {
			copy(data[at:], text)
			table[i].ptr = (*C.uint8_t)(unsafe.Pointer(&data[at]))
			table[i].len = C.size_t(len(text))
		}
		at += len(text)
	}
	return mem
}

// cString is s as a C string the caller frees, or nil for nil.
func cString(s *string) *C.char {
	if s == nil {
		return nil
	}
	return C.CString(*s)
}
