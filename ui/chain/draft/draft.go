// Package draft keeps the chain builder's autosaved drafts, so that no chain
// being built is lost to a crash, a kill, or a second pipette running at the
// same time. It knows nothing of Bubble Tea; the builder calls it from
// commands.
//
// Each running builder owns one draft in the store's folder:
// <id>.draft.yaml, rewritten atomically on every edit, and <id>.lock, which
// it holds locked (flock) for as long as it runs. A lock nobody holds means
// the builder that wrote the draft has exited or died, so Scan offers that
// draft, newest first; a draft whose builder is running is never read,
// moved or written by another. A draft that cannot be read as a chain is set
// aside — renamed <id>.unreadable-<time>.yaml, never deleted, never
// overwritten — and reported with where it now is. The single draft.yaml of
// older versions is moved into the folder and offered like the others.
package draft

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"pipette/internal/atomicfile"
	"pipette/internal/chainfile"
	"pipette/internal/human"
	"pipette/pipebuilder"
)

// File names in the store's folder.
const (
	draftExt      = ".draft.yaml"
	lockExt       = ".lock"
	unreadableTag = ".unreadable-"
	discardedTag  = ".discarded-"
	stampLayout   = "20060102-150405"
	// keepDiscarded is how many discarded drafts are kept: the user threw
	// them away, but the last few may be wanted back.
	keepDiscarded = 20
)

// ErrTaken is Adopt's answer when another running pipette took the draft
// first.
var ErrTaken = errors.New("another pipette has taken this draft")

// Store is the folder of drafts. Legacy is the draft.yaml of versions that
// kept one draft for every pipette ("" when there is none to look for).
type Store struct {
	Dir    string
	Legacy string
	now    func() time.Time
}

// New returns the store in dir.
func New(dir, legacy string) *Store { return &Store{Dir: dir, Legacy: legacy, now: time.Now} }

func (s *Store) path(id, ext string) string { return filepath.Join(s.Dir, id+ext) }

// Draft is the draft of one running builder. Its methods are safe to call
// from several goroutines (saves run in commands, possibly overlapping).
type Draft struct {
	store *Store
	mu    sync.Mutex
	id    string
	lock  *os.File // held locked while the builder runs
	gen   int
	last  []byte // what the file holds, as last written here
}

// Start claims a new draft for this builder. Nothing is written until the
// first Save.
func (s *Store) Start() (*Draft, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot keep drafts in %s: %w", s.Dir, err)
	}
	for range 10 {
		id, err := s.newID("")
		if err != nil {
			return nil, err
		}
		f, ok, err := tryLock(s.path(id, lockExt), true)
		if err != nil {
			return nil, fmt.Errorf("cannot keep drafts in %s: %w", s.Dir, err)
		}
		if ok {
			return &Draft{store: s, id: id, lock: f}, nil
		}
	}
	return nil, fmt.Errorf("cannot keep drafts in %s: no free name for a draft", s.Dir)
}

// newID names a draft by when it started, with a random tail so that two
// pipettes starting in the same second differ.
func (s *Store) newID(prefix string) (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("name a draft: %w", err)
	}
	return prefix + s.now().Format(stampLayout) + "-" + hex.EncodeToString(b[:]), nil
}

// Path is the draft's file.
func (d *Draft) Path() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.store.path(d.id, draftExt)
}

// Save writes data as the draft, atomically. gen orders the saves of one
// builder: a save older than one already done is dropped, so a slow
// command never puts back an older snapshot. Data equal to what the file
// holds is not written again.
func (d *Draft) Save(gen int, data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lock == nil {
		return fmt.Errorf("the draft %s is closed", d.store.path(d.id, draftExt))
	}
	if gen < d.gen {
		return nil
	}
	d.gen = gen
	if d.last != nil && string(data) == string(d.last) {
		return nil
	}
	d.last = nil
	path := d.store.path(d.id, draftExt)
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("cannot autosave the chain to %s: %w", path, human.FileError(err))
	}
	d.last = data
	return nil
}

// Adopt makes an offered draft this builder's, to go on from where it was
// left: later saves write its file, and it is no longer offered to others.
// The draft this builder had stays on disk, unowned, if anything was
// written to it (it is offered next time). gen is the generation the
// builder restores at: saves of older snapshots, still in flight, are
// dropped rather than written over the adopted draft. ErrTaken says another
// pipette adopted it first.
func (d *Draft) Adopt(o Offer, gen int) error {
	f, ok, err := tryLock(d.store.path(o.ID, lockExt), true)
	if err != nil {
		return fmt.Errorf("cannot take the draft %s: %w", o.Path, err)
	}
	if !ok {
		return ErrTaken
	}
	if _, err := os.Stat(o.Path); err != nil {
		unlock(f)
		return ErrTaken // discarded or adopted and left since the scan
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.release()
	d.id, d.lock, d.last, d.gen = o.ID, f, o.Data, max(d.gen, gen)
	return nil
}

// Close lets the draft go when the builder exits: it stays on disk to be
// offered next time. A draft never written leaves nothing behind.
func (d *Draft) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.release()
}

func (d *Draft) release() {
	if d.lock == nil {
		return
	}
	if _, err := os.Stat(d.store.path(d.id, draftExt)); errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(d.store.path(d.id, lockExt))
	}
	unlock(d.lock)
	d.lock = nil
}

// Offer is a draft no running builder owns.
type Offer struct {
	ID       string
	Path     string
	Saved    time.Time          // when it was last written
	Chain    *pipebuilder.Chain // as it reads, problems and all
	Problems error              // what is wrong in it (pipebuilder.Errors), or nil
	Data     []byte             // the file, as the layout to save it over
}

// SetAside is a draft that could not be read as a chain and was renamed out
// of the way: Path is where it is now.
type SetAside struct {
	Was, Path string
	Why       error // why it could not be read
}

// Found is what Scan found.
type Found struct {
	Offers   []Offer    // newest first
	SetAside []SetAside // unreadable drafts, moved
	Errs     []error    // drafts that could not be looked at; each names its file
}

// Scan returns the drafts that no running builder owns, newest first, and
// sets aside those that cannot be read. own is this builder's draft, never
// offered to itself (nil when there is none). It moves the legacy
// draft.yaml into the store first.
func (s *Store) Scan(own *Draft) Found {
	var found Found
	if err := s.migrateLegacy(); err != nil {
		found.Errs = append(found.Errs, err)
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			found.Errs = append(found.Errs, fmt.Errorf("cannot read the drafts in %s: %w", s.Dir, err))
		}
		return found
	}
	ownID := ""
	if own != nil {
		own.mu.Lock()
		ownID = own.id
		own.mu.Unlock()
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), draftExt)
		if !ok || id == ownID || !e.Type().IsRegular() {
			continue
		}
		s.look(id, &found)
	}
	slices.SortStableFunc(found.Offers, func(a, b Offer) int { return b.Saved.Compare(a.Saved) })
	return found
}

// look examines one draft under its lock: an unowned draft is offered, or
// set aside when it cannot be read; an owned one is left alone.
func (s *Store) look(id string, found *Found) {
	path := s.path(id, draftExt)
	f, ok, err := tryLock(s.path(id, lockExt), true)
	if err != nil {
		found.Errs = append(found.Errs, fmt.Errorf("cannot look at the draft %s: %w", path, err))
		return
	}
	if !ok {
		return // its builder is running
	}
	defer unlock(f)
	st, err := os.Stat(path)
	if err != nil {
		return // adopted or discarded meanwhile
	}
	data, err := chainfile.Read(path)
	if err != nil {
		found.Errs = append(found.Errs, fmt.Errorf("cannot read the draft %s: %w", path, human.FileError(err)))
		return
	}
	c, problems := pipebuilder.ParseDraft(path, data)
	if c == nil {
		to, err := s.setAside(id, unreadableTag)
		if err != nil {
			found.Errs = append(found.Errs, fmt.Errorf("the draft %s cannot be read (%s), nor set aside: %w", path, firstLine(problems), err))
			return
		}
		found.SetAside = append(found.SetAside, SetAside{Was: path, Path: to, Why: problems})
		return
	}
	if len(c.Steps) == 0 && c.Docs == "" && c.Tagline == "" {
		// Nothing to lose: a builder left an empty chain.
		_ = os.Remove(path)
		_ = os.Remove(s.path(id, lockExt))
		return
	}
	found.Offers = append(found.Offers, Offer{ID: id, Path: path, Saved: st.ModTime(), Chain: c, Problems: problems, Data: data})
}

// Discard sets an offered draft aside for good (it is no longer offered)
// and returns where it now is. The newest few discarded drafts are kept.
func (s *Store) Discard(o Offer) (string, error) {
	f, ok, err := tryLock(s.path(o.ID, lockExt), true)
	if err != nil {
		return "", fmt.Errorf("cannot discard the draft %s: %w", o.Path, err)
	}
	if !ok {
		return "", ErrTaken
	}
	defer unlock(f)
	to, err := s.setAside(o.ID, discardedTag)
	if err != nil {
		return "", fmt.Errorf("cannot discard the draft %s: %w", o.Path, err)
	}
	_ = os.Remove(s.path(o.ID, lockExt))
	s.pruneDiscarded()
	return to, nil
}

// setAside renames the draft id to <id><tag><time>.yaml, never replacing a
// file already there.
func (s *Store) setAside(id, tag string) (string, error) {
	from := s.path(id, draftExt)
	stamp := s.now().Format(stampLayout)
	for n := 0; n < 100; n++ {
		to := s.path(id, tag+stamp+".yaml")
		if n > 0 {
			to = s.path(id, fmt.Sprintf("%s%s-%d.yaml", tag, stamp, n+1))
		}
		err := renameNoReplace(from, to)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return to, err
	}
	return "", fmt.Errorf("no free name to set %s aside", from)
}

// renameNoReplace moves from to to unless to exists: a hard link fails on
// an existing name where a rename would replace it silently.
func renameNoReplace(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		return os.Remove(from)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	// A file system without hard links: check, then rename.
	if _, serr := os.Lstat(to); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(from, to)
}

// pruneDiscarded removes all but the newest keepDiscarded discarded drafts.
func (s *Store) pruneDiscarded() {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return
	}
	var names []string
	for _, e := range entries {
		if strings.Contains(e.Name(), discardedTag) {
			names = append(names, e.Name())
		}
	}
	if len(names) <= keepDiscarded {
		return
	}
	// The stamp follows the tag: names sort by it within one draft, and
	// the stamp's order is the time's across drafts.
	stampOf := func(name string) string { _, after, _ := strings.Cut(name, discardedTag); return after }
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(stampOf(b), stampOf(a)) })
	for _, name := range names[keepDiscarded:] {
		_ = os.Remove(filepath.Join(s.Dir, name))
	}
}

// migrateLegacy moves the draft.yaml of older versions into the store as an
// unowned draft (its time kept), so it is offered like the others. An
// older pipette still running writes a new draft.yaml; nothing is lost.
func (s *Store) migrateLegacy() error {
	if s.Legacy == "" {
		return nil
	}
	st, err := os.Lstat(s.Legacy)
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("cannot move the draft %s into %s: %w", s.Legacy, s.Dir, err)
	}
	id, err := s.newID("legacy-")
	if err != nil {
		return err
	}
	if err := renameNoReplace(s.Legacy, s.path(id, draftExt)); err != nil {
		return fmt.Errorf("cannot move the draft %s into %s: %w", s.Legacy, s.Dir, human.FileError(err))
	}
	return nil
}

func firstLine(err error) string {
	if err == nil {
		return "no reason given"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
