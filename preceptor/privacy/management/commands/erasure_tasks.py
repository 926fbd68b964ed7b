from django.core.management.base import BaseCommand, CommandError

from preceptor.accounts.models import User
from preceptor.core.erasure import ERASURE_NOTICE, erasure_tasks_open
from preceptor.core.http import staff_may
from preceptor.core.models import AuditEvent
from preceptor.privacy.services import erasure_task_complete


class Command(BaseCommand):
    help = (
        "The erasure chain's open tasks (what must still be asked of PayPal, the e-mail provider or a recipient "
        "without a known contact), or, with --complete ID --by EMAIL --note TEXT, record one as done."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complete", type=int, metavar="ID", help="the task's id, as listed")
        parser.add_argument("--by", metavar="EMAIL", help="the privacy officer who did it (a staff account)")
        parser.add_argument("--note", default="", help="what was done")

    def handle(self, *args, **options):
        if options["complete"] is None:
            tasks = erasure_tasks_open()
            for task in tasks:
                references = ", ".join(task.data.get("references", [])) or task.data.get("message_id", "")
                self.stdout.write(
                    f"{task.pk}\t{task.created_at:%Y-%m-%d}\tmember {task.subject_id}\t{task.data['recipient']}"
                    f"\t{references}\n\t{task.data.get('detail', '')}"
                )
            self.stdout.write(self.style.SUCCESS(f"Open erasure tasks: {len(tasks)}."))
            return
        task = AuditEvent.objects.filter(pk=options["complete"], action=ERASURE_NOTICE).first()
        actor = User.objects.filter(email__iexact=options["by"] or "").first()
        if task is None:
            raise CommandError("No erasure task has this id.")
        if actor is None or not staff_may(actor, "privacy.manage_data_requests"):
            raise CommandError("--by must name a privacy officer (staff allowed to manage data requests).")
        try:
            erasure_task_complete(task=task, actor=actor, note=options["note"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Task {task.pk} recorded as done."))
