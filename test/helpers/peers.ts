// The real Prometheus and Alertmanager launchers live in lib/dev/ (the analysis demo uses them too).
export * from '../../lib/dev/peers.js';
