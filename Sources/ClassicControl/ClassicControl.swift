// The ClassicControl module.
