// Package e2e drives the built pipette binary in tmux, the way a person uses
// it: keys in, screen out (capture-pane). Its tests skip when tmux is not
// installed or with -short.
package e2e
