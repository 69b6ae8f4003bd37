# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for nodectl: verbs, their options, layer names and files.

_nodectl_layers() {
        nodectl layers --json 2>/dev/null | sed -n 's/.*"name": *"\([^"]*+[0-9][0-9]*\)".*/\1/p'
}

_nodectl() {
        local cur prev verb i
        COMPREPLY=()
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        local verbs="info layers init add-layer image-info rollback boot remove pin unpin upgrade check
                vms logs audit services service network register unregister engine"
        for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
                --vg) ((i++)) ;;
                -*) ;;
                *) verb=${COMP_WORDS[i]}; break ;;
                esac
        done
        if [ -z "$verb" ]; then
                case $prev in
                --vg) COMPREPLY=($(compgen -W "$(vgs --noheadings -o vg_name 2>/dev/null)" -- "$cur")); return ;;
                esac
                COMPREPLY=($(compgen -W "$verbs --vg --json --help --version" -- "$cur"))
                return
        fi
        case $prev in
        --to|--set-default) COMPREPLY=($(compgen -W "$(_nodectl_layers)" -- "$cur")); return ;;
        --image|image-info|upgrade) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -u|--unit) COMPREPLY=($(compgen -W "$(systemctl list-units --no-legend --plain 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
        -p|--priority) COMPREPLY=($(compgen -W "emerg alert crit err warning notice info debug" -- "$cur")); return ;;
        -b|--boot) COMPREPLY=($(compgen -W "0 -1 all" -- "$cur")); return ;;
        esac
        case $verb in
        remove|pin|unpin) COMPREPLY=($(compgen -W "$(_nodectl_layers) --yes" -- "$cur")) ;;
        rollback) COMPREPLY=($(compgen -W "--to --yes" -- "$cur")) ;;
        boot) COMPREPLY=($(compgen -W "--list --set-default" -- "$cur")) ;;
        init) COMPREPLY=($(compgen -W "--image --adopt --pool-size --var-size" -- "$cur")) ;;
        add-layer) COMPREPLY=($(compgen -W "--base" -- "$cur")) ;;
        logs) COMPREPLY=($(compgen -W "--boot --unit --priority --grep --lines --follow --list-boots" -- "$cur")) ;;
        audit) COMPREPLY=($(compgen -W "--lines" -- "$cur")) ;;
        service)
                if [ "$prev" = service ]; then
                        COMPREPLY=($(compgen -W "start stop restart restart-agents" -- "$cur"))
                else
                        COMPREPLY=($(compgen -W "$(systemctl list-units --no-legend --plain 2>/dev/null | awk '{print $1}') --yes" -- "$cur"))
                fi ;;
        upgrade) COMPREPLY=($(compgen -W "--force --sha256 --dry-run --yes --keep" -- "$cur") $(compgen -f -- "$cur")) ;;
        check) COMPREPLY=($(compgen -W "--repair" -- "$cur")) ;;
        esac
}
complete -F _nodectl nodectl
