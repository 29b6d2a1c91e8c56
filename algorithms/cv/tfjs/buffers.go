package tfjs

// assignBuffers maps the planner's slots onto as few buffers as the
// values' lifetimes allow: a buffer is reused once every value in it has
// been read for the last time. Inputs and outputs keep buffers of their
// own. It rewrites every value's slot to its buffer and returns the
// buffers' sizes.
func assignBuffers(p *planner, inputs, outputs []*value) []int {
	need := make([]int, p.nslots)
	lastUse := make([]int, p.nslots)
	all := map[*value]bool{}
	note := func(v *value, at int) {
		if v.isConst() {
			return
		}
		all[v] = true
		need[v.slot] = max(need[v.slot], v.size())
		lastUse[v.slot] = max(lastUse[v.slot], at)
	}
	for i, s := range p.steps {
		in, out := s.values()
		for _, v := range in {
			note(v, i)
		}
		for _, v := range out {
			note(v, i)
		}
	}
	phys := make([]int, p.nslots)
	for i := range phys {
		phys[i] = -1
	}
	var sizes []int
	pinned := map[int]bool{}
	for _, v := range append(append([]*value{}, inputs...), outputs...) {
		note(v, len(p.steps))
		if phys[v.slot] < 0 {
			phys[v.slot] = len(sizes)
			sizes = append(sizes, need[v.slot])
			pinned[v.slot] = true
		}
	}
	freed := map[int]bool{}
	var free []int // buffers no live value uses
	take := func(n int) int {
		best := -1
		for i, b := range free {
			if best < 0 || abs(sizes[b]-n) < abs(sizes[free[best]]-n) {
				best = i
			}
		}
		if best < 0 {
			sizes = append(sizes, n)
			return len(sizes) - 1
		}
		b := free[best]
		free = append(free[:best], free[best+1:]...)
		sizes[b] = max(sizes[b], n)
		return b
	}
	for i, s := range p.steps {
		_, out := s.values()
		for _, v := range out {
			if phys[v.slot] < 0 {
				phys[v.slot] = take(need[v.slot])
			}
		}
		// Free what this step read for the last time, after it ran: an
		// output never shares a buffer with an input of its own step.
		in, _ := s.values()
		for _, v := range append(in, out...) {
			if !v.isConst() && lastUse[v.slot] == i && !pinned[v.slot] && !freed[v.slot] {
				free = append(free, phys[v.slot])
				freed[v.slot] = true
			}
		}
	}
	for v := range all {
		v.slot = phys[v.slot]
	}
	return sizes
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
