// Package data is `pipette data`: the Data API's files from the command
// line, after Algorithmia's `algo ls`, `algo cp` and `algo rm` — on this
// machine's store (as its anonymous owner) or, with --server, on a server's
// (as the owner of $PIPETTE_API_KEY).
package data

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"pipette/client"
	store "pipette/data"
	"pipette/internal/atomicfile"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
)

// Options are what a `data` verb was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Long   bool // ls -l
	Force  bool // rm -r: a directory and everything in it
	Public bool // mkdir --public: readable by every caller
}

// NewCmd makes `data` and its verbs.
func NewCmd(f *command.Factory) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.DataClient}
	cmd := &cobra.Command{
		Use:   "data",
		Short: "List, store, fetch and delete files of the Data API",
		Long: `Work with the Data API's files, addressed as data://.my/PATH (your own space)
or data://OWNER/PATH (another owner's public directory).

Without --server the files are this machine's store: $` + command.EnvData + `, else
~/.local/share/pipette/data, the store ` + "`pipette serve`" + ` serves by default. With
--server they are that server's, as the owner of $` + command.EnvKey + `.`,
		Example: `  pipette data mkdir data://.my/robots
  pipette data put T-800.png R2-D2.txt data://.my/robots
  pipette data ls -l data://.my/robots
  pipette data get data://.my/robots/T-800.png ./downloads/
  pipette data rm data://.my/robots/R2-D2.txt
  pipette data rm -r data://.my/robots`,
		Args: command.NoArgs,
	}
	ls := &cobra.Command{
		Use: "ls [-l] [data://DIR]", Short: "List a directory (default data://.my)",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "data://.my"
			if len(args) == 1 {
				dir = args[0]
			}
			return List(cmd.Context(), opts, dir)
		},
	}
	ls.Flags().BoolVarP(&opts.Long, "long", "l", false, "show sizes and times")
	put := &cobra.Command{
		Use: "put FILE... data://DEST", Short: "Store local files (- is stdin) in a directory or as a file",
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Put(cmd.Context(), opts, args[:len(args)-1], args[len(args)-1])
		},
	}
	get := &cobra.Command{
		Use: "get data://FILE [DEST]", Short: "Fetch a file to DEST (a file, a directory, or - for stdout)",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return Get(cmd.Context(), opts, args[0], dest)
		},
	}
	rm := &cobra.Command{
		Use: "rm [-r] data://PATH...", Short: "Delete files, and directories (non-empty ones with -r)",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return Remove(cmd.Context(), opts, args) },
	}
	rm.Flags().BoolVarP(&opts.Force, "recursive", "r", false, "delete directories with everything in them")
	mkdir := &cobra.Command{
		Use: "mkdir [--public] data://DIR...", Short: "Create directories",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return MakeDirs(cmd.Context(), opts, args) },
	}
	mkdir.Flags().BoolVar(&opts.Public, "public", false, "let every caller read it (top-level directories only)")
	cmd.AddCommand(ls, put, get, rm, mkdir)
	return cmd
}

// dataRef checks that arg is written as a data reference, so that a local
// path is never taken for one.
func dataRef(arg string) (string, error) {
	if !strings.HasPrefix(arg, store.Scheme) {
		return "", command.UsageErrorf("%q is not a data reference: write data://.my/PATH for your own files", arg)
	}
	if _, err := store.ParseURI(arg); err != nil {
		return "", err
	}
	return strings.TrimSuffix(arg, "/"), nil
}

// List prints a directory: names, directories with a trailing slash, or
// with -l their sizes and times as `algo ls -l` did.
func List(ctx context.Context, opts *Options, arg string) error {
	uri, err := dataRef(arg)
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	for e, err := range c.Dir(uri).List(ctx) {
		if err != nil {
			return err
		}
		switch {
		case !opts.Long && e.Dir:
			fmt.Fprintln(opts.IO.Out, e.Name+"/")
		case !opts.Long:
			fmt.Fprintln(opts.IO.Out, e.Name)
		case e.Dir:
			fmt.Fprintf(opts.IO.Out, "%19s  %10s  %s/\n", "", "", e.Name)
		default:
			fmt.Fprintf(opts.IO.Out, "%s  %10d  %s\n", e.LastModified.UTC().Format("2006-01-02 15:04:05"), e.Size, e.Name)
		}
	}
	return nil
}

// Put stores local files: into directory dest (when it is one, or when it
// ends with a slash or several files are given), or as file dest.
func Put(ctx context.Context, opts *Options, files []string, destArg string) error {
	dest, err := dataRef(destArg)
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	intoDir := strings.HasSuffix(destArg, "/") || len(files) > 1
	if !intoDir {
		if intoDir, err = c.Dir(dest).Exists(ctx); err != nil {
			return err
		}
	}
	for _, name := range files {
		target := dest
		if intoDir {
			if name == "-" {
				return command.UsageErrorf("stdin (-) has no name: give the file's own data reference, such as data://.my/notes/stdin.txt")
			}
			target = dest + "/" + filepath.Base(name)
		}
		n, err := putOne(ctx, opts, c.File(target), name)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Uploaded %s (%s)\n", target, human.Bytes(n))
	}
	return nil
}

func putOne(ctx context.Context, opts *Options, f *client.File, name string) (int64, error) {
	var r io.Reader = opts.IO.In
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", name, human.FileError(err))
		}
		defer file.Close()
		if info, err := file.Stat(); err == nil && !info.Mode().IsRegular() {
			return 0, command.UsageErrorf("%s is not a regular file: put files one by one", name)
		}
		r = file
	}
	cr := &countingReader{r: r}
	err := f.Put(ctx, cr)
	return cr.n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Get fetches a file: to dest, into dest when it is a directory, to stdout
// for "-", or into the current directory under its own name.
func Get(ctx context.Context, opts *Options, srcArg, dest string) error {
	src, err := dataRef(srcArg)
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	f := c.File(src)
	r, err := f.Reader(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	if dest == "-" {
		_, err := io.Copy(opts.IO.Out, r)
		return err
	}
	if dest == "" {
		dest = "."
	}
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		dest = filepath.Join(dest, f.Name())
	}
	n, err := atomicfile.WriteFrom(dest, r, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", dest, human.FileError(err))
	}
	fmt.Fprintf(opts.IO.ErrOut, "Downloaded %s to %s (%s)\n", src, dest, human.Bytes(n))
	return nil
}

// Remove deletes files, and directories: empty ones, or with -r whatever
// they hold.
func Remove(ctx context.Context, opts *Options, args []string) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	for _, arg := range args {
		uri, err := dataRef(arg)
		if err != nil {
			return err
		}
		isDir, err := c.Dir(uri).Exists(ctx)
		if err != nil {
			return err
		}
		if !isDir {
			if err := c.File(uri).Delete(ctx); err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "Deleted file %s\n", uri)
			continue
		}
		n, err := c.Dir(uri).Delete(ctx, opts.Force)
		if err != nil {
			if !opts.Force && strings.Contains(err.Error(), "not empty") {
				return fmt.Errorf("%s is not empty: delete it with everything in it with pipette data rm -r", uri)
			}
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Deleted directory %s (%s)\n", uri, human.Plural(n, "file"))
	}
	return nil
}

// MakeDirs creates directories.
func MakeDirs(ctx context.Context, opts *Options, args []string) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	var acl *store.ACL
	if opts.Public {
		acl = &store.ACL{Read: []string{store.PublicRead}}
	}
	for _, arg := range args {
		uri, err := dataRef(arg)
		if err != nil {
			return err
		}
		if err := c.Dir(uri).Create(ctx, acl); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Created directory %s\n", uri)
	}
	return nil
}
