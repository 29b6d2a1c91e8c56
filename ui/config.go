package ui

import (
	"os"

	"pipette/config"
)

// Config is the settings file, read by package config; these names are the
// TUI's way in.
type Config = config.Config

// LoadConfig reads the config at path (config.Load).
func LoadConfig(path string) (Config, error) { return config.Load(path) }

// ConfigPath is where the config file lives.
func ConfigPath() string { return config.Path(os.Getenv) }

// StatePath is where state files (the run history, the draft) live.
func StatePath(name string) string { return config.StatePath(os.Getenv, name) }
