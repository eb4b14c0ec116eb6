#!/bin/sh
# bench/profile/ab-import.sh RUNS A.js B.js ...: interleaved fresh-process require() of each file; median CPU ms and wall ms.
# CPU time (user+sys of the child) is the figure to trust on a loaded machine; wall time is printed beside it.
runs=$1; shift
export SAE_REGION=cn-hangzhou MNS_ENDPOINT=http://127.0.0.1:9 MNS_TOPIC=x ALARM_AUTH_REQUIRED=false LOG_LEVEL=error
out=$(mktemp)
i=0
while [ $i -lt "$runs" ]; do
  for f in "$@"; do
    node -e "const t=performance.now();require('$f');const u=process.resourceUsage();console.log('$f',(u.userCPUTime+u.systemCPUTime)/1000,performance.now()+0)" >> "$out"
  done
  i=$((i+1))
done
node -e "
const rows=require('fs').readFileSync('$out','utf8').trim().split('\n').map(l=>l.split(' '));
const by={};for(const [f,c,w] of rows)(by[f]??=[]).push([+c,+w]);
const med=a=>{const s=[...a].sort((x,y)=>x-y);return s[s.length>>1]};
for(const [f,v] of Object.entries(by))console.log(f, 'cpu', med(v.map(x=>x[0])).toFixed(1), 'wall(process)', med(v.map(x=>x[1])).toFixed(1), 'n', v.length)"
rm -f "$out"
