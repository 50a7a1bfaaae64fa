// The PolicyGradient module.
