# Sourced by the scripts that start servers on loopback (demo, container test, ingress benchmark); needs $python.
# free_port: a TCP port that was free a moment ago. wait_port PORT: until something listens there (10 s at most).
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
