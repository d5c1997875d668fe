/** A user id shown as the user's name, linking to the user (the id while the name loads or is unknown). */
import { identity } from '../../../api/identity.js';
import { useResource } from '../../../hooks/use-resource.js';
import { shortId } from '../../../lib/format.js';
import { Link } from '../../../router/router.js';

export function UserLink({ id }: { id: string }) {
  const user = useResource(() => identity.user(id).catch(() => undefined), [id]);
  const name = user.data ? user.data.user.name || user.data.user.email : shortId(id);
  return (
    <Link to={`/admin/users/${encodeURIComponent(id)}`} title={id}>
      {name}
    </Link>
  );
}
