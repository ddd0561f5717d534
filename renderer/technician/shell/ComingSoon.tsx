import { useId, type ReactElement, type ReactNode } from 'react';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { EmptyState } from '../../ui/EmptyState.js';
import { ClockIcon } from '../../ui/icons.js';

export interface ComingSoonProps {
  icon: ReactNode;
  title: string;
  intro: ReactNode;
  /** What the screen will let the technician do, one sentence each. */
  abilities: ReactNode[];
  /** The screen's main action, shown disabled until the feature ships. */
  actionLabel: string;
  actionIcon?: ReactNode;
}

/** The honest body of a screen whose feature arrives in a later version: what it is for, and that it is not here yet. */
export function ComingSoon({ icon, title, intro, abilities, actionLabel, actionIcon }: ComingSoonProps): ReactElement {
  const noteId = useId();
  return (
    <EmptyState
      icon={icon}
      badge={
        <Badge tone="info" icon={<ClockIcon size={16} />}>
          Not available in this version yet
        </Badge>
      }
      title={title}
      action={
        <>
          <Button variant="primary" icon={actionIcon} disabled aria-describedby={noteId}>
            {actionLabel}
          </Button>
          <p className="empty__note" id={noteId}>
            Not available in this version yet: this arrives in a later version of Bootmend.
          </p>
        </>
      }
    >
      <p>{intro}</p>
      <h3 className="empty__subtitle">What this screen will let you do</h3>
      <ul className="ticks">
        {abilities.map((ability, index) => (
          <li key={index}>{ability}</li>
        ))}
      </ul>
    </EmptyState>
  );
}
