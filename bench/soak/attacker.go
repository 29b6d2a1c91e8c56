package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// The attackers run in a process of their own (this program, run as `soak
// attack`), so that their CPU is counted apart from the normal clients',
// and can be given a lower priority (-attack-nice) to play attackers on
// other machines, whose sending costs this machine nothing.

// runAttacker is `soak attack -url URL -kinds K,K -d D`: it attacks for d
// and prints the outcomes, as JSON, on stdout.
func runAttacker(args []string) error {
	fl := flag.NewFlagSet("attack", flag.ContinueOnError)
	url := fl.String("url", "", "the server")
	kinds := fl.String("kinds", "", "the kinds of attack, comma-separated")
	d := fl.Duration("d", 0, "how long to attack")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *url == "" || *d <= 0 || *d > 10*time.Minute {
		return fmt.Errorf("attack: -url and a -d of at most 10 minutes are needed")
	}
	which := map[string]bool{}
	for _, k := range strings.Split(*kinds, ",") {
		which[k] = true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *d)
	defer cancel()
	t := &tally{}
	attack(ctx, *url, which, t)
	return json.NewEncoder(os.Stdout).Encode(t.n)
}

// attackers is a running `soak attack` process.
type attackers struct {
	cmd *exec.Cmd
	out strings.Builder
}

// startAttackers starts the attack process for d, at the nice value given
// (0: the same priority as the normal clients).
func startAttackers(url string, kinds []string, d time.Duration, nice int) (*attackers, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	a := &attackers{}
	a.cmd = exec.Command(self, "attack", "-url", url, "-kinds", strings.Join(kinds, ","), "-d", d.String())
	a.cmd.Stdout = &a.out
	a.cmd.Stderr = os.Stderr
	// A process group of its own: a nice value is per thread, and setting
	// it for the group reaches them all.
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := a.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the attackers: %w", err)
	}
	if nice != 0 {
		if err := syscall.Setpriority(syscall.PRIO_PGRP, a.cmd.Process.Pid, nice); err != nil {
			_ = a.cmd.Process.Kill()
			_ = a.cmd.Wait()
			return nil, fmt.Errorf("lower the attackers' priority: %w", err)
		}
	}
	return a, nil
}

// wait waits for the attackers to end and returns their outcomes and the
// CPU time they used.
func (a *attackers) wait() (map[string]map[string]int, time.Duration, error) {
	if err := a.cmd.Wait(); err != nil {
		return nil, 0, fmt.Errorf("the attackers: %w", err)
	}
	cpu := a.cmd.ProcessState.UserTime() + a.cmd.ProcessState.SystemTime()
	var n map[string]map[string]int
	if err := json.Unmarshal([]byte(a.out.String()), &n); err != nil {
		return nil, cpu, fmt.Errorf("the attackers' outcomes: %w", err)
	}
	return n, cpu, nil
}
