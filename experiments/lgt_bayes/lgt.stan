// Local and global trend (LGT) model for one positive yearly series, after Smyl's LGT (as in the
// Rlgt R package, non-seasonal), written for this experiment:
//   y[t] ~ Student-t(nu, l[t-1] + coefTrend * l[t-1]^powTrend + locTrendFract * b[t-1],
//                     sigma * l[t-1]^powx + offsetSigma)
//   l[t] = levSm * y[t] + (1 - levSm) * l[t-1]          (level)
//   b[t] = bSm * (l[t] - l[t-1]) + (1 - bSm) * b[t-1]   (local trend)
// The global trend coefTrend * l^powTrend grows with the level, less than proportionally when
// powTrend < 1; the error scale grows with the level too (powx).
data {
  int<lower=2> N;
  vector<lower=0>[N] y;
  real<lower=0> CauchySd;   // prior scale: max(y) / 200
}
parameters {
  real<lower=2, upper=20> nu;
  real<lower=0> sigma;
  real<lower=0, upper=1> powx;
  real<lower=0, upper=1> levSm;
  real<lower=0, upper=1> bSm;
  real<lower=0> offsetSigma;
  real<lower=-1, upper=1> locTrendFract;
  real coefTrend;
  real<lower=-0.5, upper=1> powTrend;
  real bInit;
}
transformed parameters {
  vector[N] l;
  vector[N] b;
  vector[N] expVal;
  vector[N] sig;
  l[1] = y[1];
  b[1] = bInit;
  expVal[1] = y[1];
  sig[1] = 1;
  for (t in 2:N) {
    expVal[t] = l[t-1] + coefTrend * pow(l[t-1], powTrend) + locTrendFract * b[t-1];
    sig[t] = sigma * pow(l[t-1], powx) + offsetSigma;
    l[t] = levSm * y[t] + (1 - levSm) * l[t-1];
    b[t] = bSm * (l[t] - l[t-1]) + (1 - bSm) * b[t-1];
  }
}
model {
  sigma ~ cauchy(0, CauchySd);
  offsetSigma ~ cauchy(0, CauchySd);
  coefTrend ~ cauchy(0, CauchySd);
  bInit ~ normal(0, CauchySd);
  for (t in 2:N) y[t] ~ student_t(nu, expVal[t], sig[t]);
}
