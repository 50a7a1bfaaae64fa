// Tests of the ClassicControl module.
