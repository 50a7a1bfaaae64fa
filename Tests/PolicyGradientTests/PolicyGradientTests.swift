// Tests of the PolicyGradient module.
