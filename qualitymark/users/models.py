from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_coram_staff", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


TITLES = frozenset(
    ["dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev", "revd", "sir", "dame"]
)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. E-mail is the login.

    Roles are not stored here except Coram staff: agency roles are memberships
    (applications.Membership) and moderator/chair roles are a ModeratorProfile.
    """

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    is_coram_staff = models.BooleanField(
        "Coram staff",
        default=False,
        help_text="Scheme administrators: screening, assignment, publishing, configuration.",
    )
    is_staff = models.BooleanField(
        "Django admin access",
        default=False,
        help_text="Can open the technical administration site.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]
        # The people list walks this order and stops at the page.
        indexes = [models.Index(fields=["full_name", "email"], name="users_user_by_name")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        """The first name, for greetings: "Dr Helen Marsh" is "Helen", not "Dr"."""
        words = self.full_name.split()
        while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
            words.pop(0)
        return words[0] if words else self.email

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()
